// x_t at image pixel p (x from the left, y from the top row of the file), in the display and
// export mapping: clamp to [-1, 1], then (x + 1) / 2 for an 8-bit target.
// x_t = sqrt_alpha_bar * x0 + sqrt_one_minus_alpha_bar * eps, eps = normal4(key, y W + x).rgb in the
// closed form, or in the chain eps = chain_to_eps * y_t of chain.glsl (the path's standardised noise).
uniform sampler2D x0;                     // RGB32F, texel (x, y) = image pixel (x, y)
uniform float sqrt_alpha_bar;
uniform float sqrt_one_minus_alpha_bar;
uniform uvec2 key;                        // rng::stream_key(seed, kEpsStream) = (seed, stream)

vec4 xt_color(ivec2 p) {
    uint index = uint(p.y) * uint(textureSize(x0, 0).x) + uint(p.x);
    vec3 eps;
    if (chain_levels < 0) eps = normal3(key, index);
    else eps = chain_y(key.x, index) * chain_to_eps;
    vec3 xt = sqrt_alpha_bar * texelFetch(x0, p, 0).rgb + sqrt_one_minus_alpha_bar * eps;
    return vec4((clamp(xt, -1.0, 1.0) + 1.0) * 0.5, 1.0);
}
