"""Each lesson's interactive content in one place: bp_helpers.questions.lessonN holds lesson
N's quizzes, predictions and exercises, with their answers, references and worked solutions.

They live here, out of the lessons' visible cells, so that a lesson shows the question
and not the answer. A prediction (a `bp_helpers.panels.predict.Prediction`) takes the
lesson's own parameters and computes its answer, and the sentence on why, from them only
when the learner commits a guess.
"""
