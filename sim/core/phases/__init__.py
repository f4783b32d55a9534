"""The weekly phases of the model, one module per phase (docs/model.md, process overview).

Each phase is an object built once with the collaborators it acts on (agents, the
pipeline of queues, the week's tally, the event log, the parameter sections it reads);
:meth:`sim.core.model.WorkingGroupModel.step` calls them in the order of the schedule.
"""
