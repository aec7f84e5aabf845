"""Lesson 4's quizzes, predictions and exercises: answers, references and worked solutions.

The lesson shows each question (`lesson4.quiz("counting_steps")`,
`lesson4.exercise("step").grade(my_step, cases, cost_slice=cost_slice)`);
what would give it away lives here. The references take the lesson's
`cost_slice` (a bp_helpers.descent.CostSlice) as context.
"""


import numpy as np

from bp_helpers.descent import descend, gradient_step, train_run
from bp_helpers.exercises import Catalogue, Exercise, Solution, lock_module
from bp_helpers.panels.predict import Answer, Prediction


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

# Predictions ------------------------------------------------------------------------------

STEP_OUTCOMES = (
    "The cost falls by about what the promise says",
    "The cost falls, but by less than promised",
    "The cost goes up",
)


def one_large_step(network, X, y, lr, guess=None):
    """Lesson 4: does one full-batch step of size lr keep the first-order promise?"""

    def solve():
        C = network.cost(X, y)
        dC_dW, dC_db = network.backprop(X, y)
        promised = C - lr * sum(float(np.sum(g**2)) for g in dC_dW + dC_db)
        after = gradient_step(network, X, y, lr).cost(X, y)
        if after > C:
            outcome = STEP_OUTCOMES[2]
        elif abs(after - promised) < 0.05 * (C - promised):  # within 5% of the promised fall
            outcome = STEP_OUTCOMES[0]
        else:
            outcome = STEP_OUTCOMES[1]
        why = (f"C goes from {C:.4f} to {after:.4f}; the promise C − η Σ(∂C/∂w)² said "
               f"{promised:.4f}. The promise is a tangent-line prediction: "
               + ("a step this short stays where the tangent describes the cost."
                  if outcome == STEP_OUTCOMES[0] else
                  "a step this long leaves the region where the tangent describes the cost."))
        return Answer(outcome, outcome, why)

    return Prediction(f"One full-batch step with η = {lr:g}: lesson 1's promise says the cost "
                      "falls by η Σ(∂C/∂w)². What happens?", "choice", solve,
                      options=STEP_OUTCOMES, guess=guess)


def which_ends_lower(cost_slice, start, lr, full_epochs, batch_size, mini_epochs, guess=None):
    """Lesson 4: full batch or mini-batches, which descent on the slice ends lower?"""
    options = (f"full batch, {full_epochs} epochs", f"B = {batch_size}, {mini_epochs} epochs")

    def solve():
        full = descend(cost_slice, start, lr=lr, batch_size=cost_slice.n, epochs=full_epochs)
        mini = descend(cost_slice, start, lr=lr, batch_size=batch_size, epochs=mini_epochs)
        lower = options[1] if mini.final_cost < full.final_cost else options[0]
        why = (f"Full batch ends at C = {full.final_cost:.4f} after {full.steps} steps; "
               f"B = {batch_size} ends at C = {mini.final_cost:.4f} after {mini.steps} steps. "
               f"Each mini-batch step is rougher, but there are "
               f"{mini.steps / full.steps:.0f} times as many of them.")
        return Answer(lower, lower, why)

    return Prediction(f"Both start from the square with η = {lr:g}. Sketch the two cost "
                      f"curves in your head: which one ends lower?", "choice", solve,
                      options=options, guess=guess)


LARGE_LR_OUTCOMES = (
    "It learns faster: bigger steps, quicker descent",
    "The cost explodes to ever larger values",
    "The neurons saturate, learning stalls, and training stops itself",
)


def large_learning_rate(X, y, lr, batch_size, epochs, guess=None):
    """Lesson 4: what a too-large learning rate does to the whole sigmoid network."""

    def solve():
        run = train_run(X, y, batch_size=batch_size, lr=lr, epochs=epochs)
        # training.sgd says in words why it stopped; saturation is the quiet failure.
        if run.stopped is None:
            outcome = LARGE_LR_OUTCOMES[0]
            why = (f"Training ran all {epochs} epochs and ended at C = {run.final_cost:.4f}.")
        else:
            outcome = LARGE_LR_OUTCOMES[2 if "saturated" in run.stopped else 1]
            why = run.stopped
        return Answer(outcome, outcome, why)

    return Prediction(f"Train the whole network with η = {lr:g} (ten times η = 3), B = "
                      f"{batch_size}, for {epochs} epochs. What happens?", "choice", solve,
                      options=LARGE_LR_OUTCOMES, guess=guess)


WISH_COUNTS = ("None of them", "About one in ten", "About half", "Nearly all of them")


def wishes_larger(wishes, labels, digit, guess=None):
    """Lesson 4: how many examples wish one weight into output `digit` larger.

    wishes (n,): each example's wish -dC0/dw for that weight; labels (n,): their digits.
    """
    wishes, labels = np.asarray(wishes, dtype=float), np.asarray(labels)
    if wishes.shape != labels.shape or wishes.ndim != 1:
        raise ValueError(f"wishes and labels must be two lists of the same length, one entry "
                         f"per example, got shapes {wishes.shape} and {labels.shape}")

    def solve():
        n, up = len(wishes), int(np.sum(wishes > 0))
        mine = int(np.sum(labels == digit))
        up_and_mine = int(np.sum((wishes > 0) & (labels == digit)))
        share = up / n
        outcome = WISH_COUNTS[0 if up == 0 else 1 if share <= 0.2 else 2 if share <= 0.7 else 3]
        why = (f"{up} of the {n} wish it larger, and {up_and_mine} of those are {digit}s "
               f"({mine} of the {n} digits are {digit}s). Each digit asks output {digit} to "
               f"move towards its own target, 1 for a {digit} and 0 for any other digit.")
        return Answer(outcome, f"{up} of {n}", why)

    return Prediction(f"Each of these {len(wishes)} digits wishes the weight into output "
                      f"{digit} larger or smaller. How many wish it larger?", "choice", solve,
                      options=WISH_COUNTS, guess=guess)


lock_module(__name__)
