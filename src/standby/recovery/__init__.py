"""Recover and learn: the DNS recovery tracker (dns/), drills (drills/), incident reports (reports/) and
the crisis runbook (runbook/). Each reads the features below it and is wired in by standby/app."""
