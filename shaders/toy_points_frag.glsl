// Toy points: the colour of where each point started, slightly transparent so dense regions read darker.
in vec4 v_color;
out vec4 frag_color;
void main() {
    frag_color = v_color;
}
