// x_t drawn straight into the window, only for the screen pixels the image view shows: each
// screen pixel takes the image pixel under it (nearest neighbour), so the cost follows the view,
// not the image size.
uniform vec2 view_origin;         // image top-left, framebuffer pixels from the window's top-left
uniform float view_zoom;          // framebuffer pixels per image pixel
uniform float framebuffer_height;
out vec4 color;

void main() {
    vec2 screen = vec2(gl_FragCoord.x, framebuffer_height - gl_FragCoord.y);
    ivec2 p = ivec2(floor((screen - view_origin) / view_zoom));
    if (any(lessThan(p, ivec2(0))) || any(greaterThanEqual(p, textureSize(x0, 0)))) discard;
    color = xt_color(p);
}
