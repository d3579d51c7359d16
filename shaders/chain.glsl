// The Markov chain's noise part y_t by random access (core/include/ddpm/chain.h): the bisection's
// levels from the root to t, coefficients computed once on the CPU (chain_path) and passed here.
// y_new = (a y_low + b y_high) + sd z, z = normal3((seed, stream), pixel); bit k of chain_upper says
// level k replaces y_high (else y_low); the last y_new is y_t.
uniform int chain_levels;       // -1: closed form (x_t uses eps of stream 0); 0 at t = 0
uniform vec3 chain_coef[24];    // (a, b, sd) of each level; 24 = kMaxChainLevels
uniform uint chain_stream[24];  // kChainStream | node
uniform uint chain_upper;
uniform float chain_to_eps;     // 1 / sqrt(1 - alpha_bar_t): y_t as a standard normal
uniform bool chain_kept;        // y_t comes from chain_y_tex (a node kept by the window's ChainCache)
uniform sampler2D chain_y_tex;  // RGBA32F, texel (x, y) = y_t at image pixel (x, y)

// The walk from lo and hi, the values of the first given level's interval ends (zeros at the root);
// chain_walk_frag.glsl starts it from kept nodes, and writes the levels `store` names.
vec3 chain_walk(vec3 lo, vec3 hi, uint seed, uint index) {
    vec3 y = vec3(0.0);
    for (int k = 0; k < chain_levels; ++k) {
        vec3 c = chain_coef[k];
        y = (c.x * lo + c.y * hi) + c.z * normal3(uvec2(seed, chain_stream[k]), index);
        if (((chain_upper >> uint(k)) & 1u) != 0u) hi = y;
        else lo = y;
    }
    return y;
}

vec3 chain_y(uint seed, uint index) { return chain_walk(vec3(0.0), vec3(0.0), seed, index); }
