// Toy points: x = signal * a_pos + noise * a_eps, so the closed form x_t = a x0 + b eps costs two
// uniforms per frame (x0 and eps uploaded once); the chain and the reverse upload x_t with signal 1, noise 0.
layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec2 a_eps;
layout(location = 2) in vec4 a_color;
uniform float u_signal;
uniform float u_noise;
uniform vec2 u_scale;    // data units -> clip space
uniform vec2 u_offset;
uniform float u_point_size;
out vec4 v_color;
void main() {
    vec2 x = u_signal * a_pos + u_noise * a_eps;
    gl_Position = vec4(x * u_scale + u_offset, 0.0, 1.0);
    gl_PointSize = u_point_size;
    v_color = a_color;
}
