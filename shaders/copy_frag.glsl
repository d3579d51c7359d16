// A plain textured copy with the display mapping: the fill-rate baseline of the benchmark.
// (x0 is declared by xt.glsl, which every fragment shader gets.)
out vec4 color;

void main() {
    vec3 x = texelFetch(x0, ivec2(gl_FragCoord.xy), 0).rgb;
    color = vec4((clamp(x, -1.0, 1.0) + 1.0) * 0.5, 1.0);
}
