// The counter-based Gaussian generator of core/include/ddpm/rng.h: Philox4x32-10 bit for bit,
// then the same Box-Muller. GLSL 3.3 has no umulExtended, so the 32x32 -> 64 multiply is built
// from 16-bit halves (exact in 32-bit uint arithmetic).

uvec2 mulhilo(uint a, uint b) {   // (high word, low word) of a * b
    uint ll = (a & 0xffffu) * (b & 0xffffu);
    uint lh = (a & 0xffffu) * (b >> 16u);
    uint hl = (a >> 16u) * (b & 0xffffu);
    uint hh = (a >> 16u) * (b >> 16u);
    uint mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
    return uvec2(hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u), a * b);
}

uvec4 philox4x32_10(uvec4 c, uvec2 k) {
    for (int round = 0; round < 10; ++round) {
        uvec2 p0 = mulhilo(0xD2511F53u, c.x);
        uvec2 p1 = mulhilo(0xCD9E8D57u, c.z);
        c = uvec4(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
        k += uvec2(0x9E3779B9u, 0xBB67AE85u);
    }
    return c;
}

float log_uniform(uint w) {
    bool high = w >= 0x01000000u;
    float n = float(high ? w >> 8u : (w | uint(w == 0u)));
    uint nb = floatBitsToUint(n);
    int e = int(nb >> 23u) - 127 - (high ? 24 : 32);
    float m = uintBitsToFloat((nb & 0x007fffffu) | 0x3f800000u);
    bool big = m > 1.41421356;
    m = big ? m * 0.5 : m;
    e = big ? e + 1 : e;
    float s = (m - 1.0) / (m + 1.0);
    float s2 = s * s;
    float ln_m = 2.0 * s * (1.0 + s2 * (0.33333333 + s2 * (0.2 + s2 * (0.14285714 + s2 * 0.11111111))));
    return float(e) * 0.69314718 + ln_m;
}

vec2 box_muller(uint r_word, uint a_word) {
    float r = sqrt(-2.0 * log_uniform(r_word));
    uint q = a_word >> 30u;
    float x = (float((a_word >> 6u) & 0x00ffffffu) * 5.9604645e-08 - 0.5) * 1.57079633;
    float x2 = x * x;
    float sx = x * (1.0 - x2 * (0.16666667 - x2 * (8.3333333e-03 - x2 * (1.9841270e-04 - x2 * 2.7557319e-06))));
    float cx = 1.0 - x2 * (0.5 - x2 * (4.1666667e-02 - x2 * (1.3888889e-03 - x2 * 2.4801587e-05)));
    bool odd = (q & 1u) != 0u;
    float c = odd ? sx : cx;
    float sn = odd ? cx : sx;
    float cos_t = (q == 1u || q == 2u) ? -c : c;
    float sin_t = (q >= 2u) ? -sn : sn;
    return r * vec2(cos_t, sin_t);
}

// Four N(0, 1) values of block `index` of the stream with key (seed, stream).
vec4 normal4(uvec2 key, uint index) {
    uvec4 w = philox4x32_10(uvec4(index, 0u, 0u, 0u), key);
    return vec4(box_muller(w.x, w.y), box_muller(w.z, w.w));
}

// Channels of one pixel only: the fourth normal is not needed, so its Box-Muller is skipped.
vec3 normal3(uvec2 key, uint index) {
    uvec4 w = philox4x32_10(uvec4(index, 0u, 0u, 0u), key);
    vec2 z1 = box_muller(w.z, w.w);
    return vec3(box_muller(w.x, w.y), z1.x);
}
