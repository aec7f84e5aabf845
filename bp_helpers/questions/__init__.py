"""Quiz answers, exercise references and worked solutions, one module per lesson.

They live here, out of the lessons' visible cells, so that a lesson shows the question
and not the answer.
"""
