"""Study like 学习强国, managed like a unit: the points ledger, its rules and totals, study tasks and rankings.

models       PointsRule (rules as data, edited in the admin), PointsEntry (the ledger), PointsTotal (per period)
ledger       crediting an event (caps, limits, no double credit), totals by day, week and year, the detail list
records      the study record per day and per department, read from the ledger
receivers    the ledger's side of core.points.earn
"""
