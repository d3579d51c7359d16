// x_t into a target of the image's size. Target row y holds image row y from the top, so a
// readback (bottom row first) comes out in the file's row order.
out vec4 color;

void main() { color = xt_color(ivec2(gl_FragCoord.xy)); }
