// The chain's walk from level `start` of a path (the uniforms hold levels start..end only), its two
// interval ends read from kept node textures (or zeros), writing up to 8 of the levels' nodes, each to
// its own RGBA32F target: the window's ChainCache (app/gpu/renderer.cpp). It repeats chain_walk's
// arithmetic so that a node has the same bits however many levels one pass walks.
uniform sampler2D walk_lo, walk_hi;
uniform bool walk_lo_zero, walk_hi_zero;
uniform int walk_store[8];   // the level written to output k (-1: none)
layout(location = 0) out vec4 node0;
layout(location = 1) out vec4 node1;
layout(location = 2) out vec4 node2;
layout(location = 3) out vec4 node3;
layout(location = 4) out vec4 node4;
layout(location = 5) out vec4 node5;
layout(location = 6) out vec4 node6;
layout(location = 7) out vec4 node7;

void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    uint index = uint(p.y) * uint(textureSize(x0, 0).x) + uint(p.x);
    vec3 lo = walk_lo_zero ? vec3(0.0) : texelFetch(walk_lo, p, 0).rgb;
    vec3 hi = walk_hi_zero ? vec3(0.0) : texelFetch(walk_hi, p, 0).rgb;
    node0 = node1 = node2 = node3 = node4 = node5 = node6 = node7 = vec4(0.0);
    for (int k = 0; k < chain_levels; ++k) {
        vec3 c = chain_coef[k];
        vec3 y = (c.x * lo + c.y * hi) + c.z * normal3(uvec2(key.x, chain_stream[k]), index);
        if (((chain_upper >> uint(k)) & 1u) != 0u) hi = y;
        else lo = y;
        vec4 v = vec4(y, 1.0);
        if (k == walk_store[0]) node0 = v;
        if (k == walk_store[1]) node1 = v;
        if (k == walk_store[2]) node2 = v;
        if (k == walk_store[3]) node3 = v;
        if (k == walk_store[4]) node4 = v;
        if (k == walk_store[5]) node5 = v;
        if (k == walk_store[6]) node6 = v;
        if (k == walk_store[7]) node7 = v;
    }
}
