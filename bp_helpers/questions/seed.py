"""The "Test your understanding" questions of the videos' slide deck, as quizzes.

The lessons only display these (`levers_quiz()` in lesson 1,
`master_challenge()` in lesson 3), so the answers and explanations stay out
of the cells a learner reads. The deck's second question, a(L-1) = 0, is
lesson 1's own quiz.
"""

from bp_helpers.exercises import Quiz


def levers_quiz():
    """Q1: the "2" neuron should fire more; what should the weight from a bright "2" pixel do?"""
    return Quiz(
        "The output neuron for \"2\" should fire more for this image. One of its inputs is a "
        "bright pixel that is clearly part of the 2. What should the weight of that "
        "connection do?",
        ["Increase, and by more the brighter the pixel",
         "Decrease, so that the neuron depends less on a single pixel",
         "Stay as it is: only the bias of the \"2\" neuron should change",
         "Increase by the same amount as every other weight into the \"2\" neuron"],
        answer=0,
        explanations=[
            "∂z/∂w = a(L-1): raising the weight raises z in proportion to the pixel's "
            "brightness, so the gradient step changes the weights from the brightest pixels "
            "the most. Neurons that fire together wire together.",
            "Decreasing the weight from a bright pixel lowers z, so the \"2\" neuron would fire "
            "less, the opposite of what this example wants.",
            "The bias is one lever, but the weights are too: every weight whose input is "
            "active moves z, and this pixel is very active.",
            "A weight's effect on z is its input's activation: the weights from dark pixels "
            "(a = 0) cannot move z at all, so the step gives them nothing.",
        ],
    )


def master_challenge():
    """Q3, the "Master Challenge": what a very large |∂C/∂w_{15,7}^(2)| tells you."""
    return Quiz(
        "In a [784, 16, 16, 10] network, ∂C/∂w₁₅,₇⁽²⁾ has a very large magnitude for the "
        "current batch. What does that tell you?",
        ["Changing this weight changes this batch's cost more than changing most other "
         "weights would, so gradient descent gives it a large update",
         "The connection from neuron 7 of layer 1 to neuron 15 of layer 2 is one of the most "
         "important connections of the network",
         "The weight w₁₅,₇⁽²⁾ itself is very large",
         "The weight has reached its best value and should stay where it is"],
        answer=0,
        explanations=[
            "The gradient measures sensitivity: the cost of this batch responds strongly to "
            "this weight right now, so the step −η ∂C/∂w is large. On another batch, or after "
            "a few steps, it can be small.",
            "A large derivative says how much the cost of this batch would change, not how much "
            "the network relies on the connection in general: an \"important\" weight that is "
            "already right has a derivative near 0.",
            "The derivative is the batch's average of a₇⁽¹⁾ σ′(z₁₅⁽²⁾) ∂C/∂a₁₅⁽²⁾: its size is set "
            "by the input's activation, the slope and how much the cost wants a₁₅⁽²⁾ to move, "
            "not by how large the weight is.",
            "At a best value the derivative would be 0: a large derivative means the cost "
            "still changes a lot when this weight moves.",
        ],
    )
