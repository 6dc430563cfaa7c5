"""The webinar panel's questions: the queue, scheduling and publishing them into the discussion
(questions), reading a pasted list (paste) and the moderators' forms (forms)."""
