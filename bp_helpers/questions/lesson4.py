"""Lesson 4's quizzes and exercises: answers, references and worked solutions.

The lesson shows each question (`lesson4.quiz("counting_steps")`,
`lesson4.exercise("step").check(my_step, cases, cost_slice=cost_slice)`);
what would give it away lives here. The references take the lesson's
`cost_slice` (a bp_helpers.descent.CostSlice) as context.
"""

from bp_helpers.exercises import Catalogue, Exercise, Solution, read_only


def _step(w, b, lr, cost_slice):
    dC_dw, dC_db = cost_slice.gradient(w, b)
    return w - lr * dC_dw, b - lr * dC_db


def _batch_gradient(w, b, rows, cost_slice):
    return cost_slice.gradient(w, b, rows)


QUIZZES = {
    "counting_steps": dict(
        question="With n = 1347 training digits, you train for 3 epochs with mini-batches of "
                 "B = 100. How many gradient-descent steps is that?",
        options=["3", "300", "42", "4041"],
        answer=2,
        explanations=[
            "That would be full batch: one step per epoch.",
            "That is 3 × 100, but 100 is the size of a batch, not the number of batches.",
            "Each epoch cuts 1347 digits into ⌈1347/100⌉ = 14 batches (the last has 47), "
            "one step each: 3 × 14 = 42.",
            "That is the number of examples read, 3 × 1347; each step reads 100 of them.",
        ],
    ),
    "cost_curve": dict(
        question="Your network's cost goes down for an epoch, then jumps up, then down, then "
                 "up. What is the most likely cure?",
        options=["Train for more epochs", "A smaller learning rate", "A larger learning rate",
                 "A network with more neurons"],
        answer=1,
        explanations=[
            "More epochs of overshooting just overshoot for longer.",
            "Rising costs are the sign of steps that jump over the valley; smaller steps land "
            "in it.",
            "Larger steps overshoot even further.",
            "The problem is the walk, not the landscape: the same steps overshoot there too.",
        ],
    ),
    "master_challenge": dict(
        question="In a [784, 16, 16, 10] network, ∂C/∂w₁₅,₇⁽²⁾ has a very large magnitude "
                 "for the current batch. What does that tell you?",
        options=["The connection from neuron 7 of layer 1 to neuron 15 of layer 2 is one of "
                 "the most important connections of the network",
                 "The weight w₁₅,₇⁽²⁾ itself is very large",
                 "Changing this weight changes this batch's cost more than changing most "
                 "other weights would, so gradient descent gives it a large update",
                 "The weight has reached its best value and should stay where it is"],
        answer=2,
        explanations=[
            "A large derivative says how much the cost of this batch would change, not how "
            "much the network relies on the connection in general: an \"important\" weight "
            "that is already right has a derivative near 0.",
            "The derivative is the batch's average of a₇⁽¹⁾ σ′(z₁₅⁽²⁾) ∂C/∂a₁₅⁽²⁾: its size is "
            "set by the input's activation, the slope and how much the cost wants a₁₅⁽²⁾ to "
            "move, not by how large the weight is.",
            "The gradient measures sensitivity: the cost of this batch responds strongly to "
            "this weight right now, so the step −η ∂C/∂w is large. On another batch, or after "
            "a few steps, it can be small.",
            "At a best value the derivative would be 0: a large derivative means the cost "
            "still changes a lot when this weight moves.",
        ],
    ),
}

EXERCISES = {
    "step": Exercise(
        reference=_step,
        hint="step against the slope: w - lr * dC_dw.",
        solution=Solution(
            steps=(
                r"The gradient points uphill, so a step of gradient descent moves each "
                r"parameter against its slope, by the learning rate times the slope: "
                r"$w \leftarrow w - \eta\,\partial C/\partial w$ and "
                r"$b \leftarrow b - \eta\,\partial C/\partial b$.",
                r"cost_slice.gradient(w, b) gives both slopes for the full batch. Compute them "
                r"once, at the old $(w, b)$, and update both parameters with them.",
            ),
            code="def my_step(w, b, lr):\n"
                 "    dC_dw, dC_db = cost_slice.gradient(w, b)\n"
                 "    return w - lr * dC_dw, b - lr * dC_db\n",
        ),
    ),
    "batch_gradient": Exercise(
        reference=_batch_gradient,
        hint="average the B votes: np.mean(...) over the batch, once for w, once for b.",
        solution=Solution(
            steps=(
                r"Pick the batch's rows out of the slice: a = cost_slice.a_k[rows], "
                r"r = cost_slice.rest[rows], y = cost_slice.y_j[rows]. Each is an array with "
                r"one entry per example.",
                r"Run every example forward at once: $z_i = w\,a_i + r_i + b$.",
                r"Each example's vote for $b$ is $\sigma'(z_i)\,2(\sigma(z_i) - y_i)$, and its "
                r"vote for $w$ is the same times $a_i$ (lesson 1's first factor).",
                r"The mini-batch cost is the average of the per-example costs, and a derivative "
                r"of an average is the average of the derivatives: return the mean of each vote.",
            ),
            code="def my_batch_gradient(w, b, rows):\n"
                 "    a = cost_slice.a_k[rows]\n"
                 "    r = cost_slice.rest[rows]\n"
                 "    y = cost_slice.y_j[rows]\n"
                 "    z = w * a + r + b\n"
                 "    vote_b = sigmoid_prime(z) * 2 * (sigmoid(z) - y)\n"
                 "    return np.mean(a * vote_b), np.mean(vote_b)\n",
        ),
    ),
}

questions = Catalogue("lesson 4", QUIZZES, EXERCISES)
quiz, exercise = questions.quiz, questions.exercise

read_only(__name__)
