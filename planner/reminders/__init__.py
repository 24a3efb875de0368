"""Reminders that reach people: each person's choices (settings), the outbox of what is due,
the words of each message (messages), email and web push (push), and the scheduler that fills
the outbox and sends it (scheduler; `planner remind`, or a thread of `planner serve`)."""
