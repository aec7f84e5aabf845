"""Quiz answers, exercise references and worked solutions, kept out of the lessons' visible cells."""
