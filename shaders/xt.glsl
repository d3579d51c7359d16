// x_t at image pixel p (x from the left, y from the top row of the file), in the display and
// export mapping: clamp to [-1, 1], then (x + 1) / 2 for an 8-bit target.
// x_t = sqrt_alpha_bar * x0 + sqrt_one_minus_alpha_bar * eps, eps = normal4(key, y W + x).rgb in the
// closed form, or in the chain eps = chain_to_eps * y_t of chain.glsl (the path's standardised noise).
uniform sampler2D x0;                     // RGB32F, texel (x, y) = image pixel (x, y)
uniform float sqrt_alpha_bar;
uniform float sqrt_one_minus_alpha_bar;
uniform uvec2 key;                        // rng::stream_key(seed, kEpsStream) = (seed, stream)
// The step view's images (views/step.cpp), linear in x0, the kept nodes y_t and y_{t-1} and a noise z:
// x = lin.x x0 + lin.y y_t + lin.z y_{t-1} + lin.w normal3(lin_key, pixel).
uniform bool lin_mode;
uniform vec4 lin;
uniform bool lin_prev_zero;               // t - 1 = 0: y_0 = 0
uniform sampler2D lin_prev_tex;
uniform uvec2 lin_key;

vec4 xt_color(ivec2 p) {
    uint index = uint(p.y) * uint(textureSize(x0, 0).x) + uint(p.x);
    if (lin_mode) {
        vec3 prev = lin_prev_zero ? vec3(0.0) : texelFetch(lin_prev_tex, p, 0).rgb;
        vec3 x = lin.x * texelFetch(x0, p, 0).rgb + lin.y * texelFetch(chain_y_tex, p, 0).rgb + lin.z * prev +
                 lin.w * normal3(lin_key, index);
        return vec4((clamp(x, -1.0, 1.0) + 1.0) * 0.5, 1.0);
    }
    vec3 eps;
    if (chain_levels < 0) eps = normal3(key, index);
    else if (chain_kept) eps = texelFetch(chain_y_tex, p, 0).rgb * chain_to_eps;
    else eps = chain_y(key.x, index) * chain_to_eps;
    vec3 xt = sqrt_alpha_bar * texelFetch(x0, p, 0).rgb + sqrt_one_minus_alpha_bar * eps;
    return vec4((clamp(xt, -1.0, 1.0) + 1.0) * 0.5, 1.0);
}
