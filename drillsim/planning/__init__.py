"""Answers a planner asks of a scenario, built on the engine and the batch runner.

- :mod:`coverage`: travel times from each force's nearest unit to every township and
  place of interest, the plan's standard, the population share covered;
- :mod:`location`: where to put k sites (maximal covering, p-median) as an integer
  programme (``scipy.optimize.milp``);
- :mod:`selection`: ranking and selection (Kim & Nelson's procedure KN); :mod:`simcheck`
  runs the best layouts with common random numbers on a batch executor and selects;
- :mod:`sizing`: the smallest number of units meeting a target at a stated confidence;
- :mod:`sensitivity`: which of the scenario's assumed numbers decide its answers (and
  :mod:`stored`: what ``drillsim run`` reads of its stored result);
- :mod:`erlang` and :mod:`hypercube` (with :mod:`hypercube_spec`, its file): the analytic
  queueing screens of ``drillsim calc`` — Erlang B and C, Larson's hypercube model.
"""
