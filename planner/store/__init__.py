"""Reads and writes of the database, as plain functions taking `db` first; no Flask here.

accounts: users, households, members, invite links. plans: profiles, plan versions, tasks.
ticks: what was done, by whom, when. assignments: who is to do (or help with) each home task.
"""
