// x_t at image pixel p (x from the left, y from the top row of the file), in the display and
// export mapping: clamp to [-1, 1], then (x + 1) / 2 for an 8-bit target.
// x_t = sqrt_alpha_bar * x0 + sqrt_one_minus_alpha_bar * eps, eps[i] = normal(key, i), i = (y W + x) 3 + c.
uniform sampler2D x0;                     // RGB32F, texel (x, y) = image pixel (x, y)
uniform float sqrt_alpha_bar;
uniform float sqrt_one_minus_alpha_bar;
uniform uint key;                         // rng::stream_key(seed, kEpsStream)

vec4 xt_color(ivec2 p) {
    uint i = (uint(p.y) * uint(textureSize(x0, 0).x) + uint(p.x)) * 3u;
    // The 3 channels need elements i..i+2: two Box-Muller pairs, not three.
    uint pair = i >> 1u;
    vec2 z0 = normal_pair(key, pair);
    vec2 z1 = normal_pair(key, pair + 1u);
    vec3 eps = (i & 1u) != 0u ? vec3(z0.y, z1.x, z1.y) : vec3(z0.x, z0.y, z1.x);
    vec3 xt = sqrt_alpha_bar * texelFetch(x0, p, 0).rgb + sqrt_one_minus_alpha_bar * eps;
    return vec4((clamp(xt, -1.0, 1.0) + 1.0) * 0.5, 1.0);
}
