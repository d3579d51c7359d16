// The counter-based Gaussian generator of core/include/ddpm/rng.h, bit for bit in its integer part.
// Element i of a stream is component i & 1 of normal_pair(key, i >> 1).

uint mix32(uint x) {
    x ^= x >> 16u;
    x *= 0x7feb352du;
    x ^= x >> 15u;
    x *= 0x846ca68bu;
    x ^= x >> 16u;
    return x;
}

vec2 normal_pair(uint key, uint p) {
    uint h = mix32(p + key);
    uint h1 = mix32(h ^ 0x68e31da4u);
    uint h2 = mix32(h ^ 0xb5297a4du);

    float n = float((h1 >> 8u) + 1u);
    uint nb = floatBitsToUint(n);
    int e = int(nb >> 23u) - 127;
    float m = uintBitsToFloat((nb & 0x007fffffu) | 0x3f800000u);
    bool big = m > 1.41421356;
    m = big ? m * 0.5 : m;
    e = big ? e + 1 : e;
    float s = (m - 1.0) / (m + 1.0);
    float s2 = s * s;
    float ln_m = 2.0 * s * (1.0 + s2 * (0.33333333 + s2 * (0.2 + s2 * (0.14285714 + s2 * 0.11111111))));
    float ln_u = float(e - 24) * 0.69314718 + ln_m;
    float r = sqrt(-2.0 * ln_u);

    uint q = h2 >> 30u;
    float x = (float((h2 >> 6u) & 0x00ffffffu) * 5.9604645e-08 - 0.5) * 1.57079633;
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

float normal(uint key, uint i) {
    vec2 z = normal_pair(key, i >> 1u);
    return (i & 1u) != 0u ? z.y : z.x;
}
