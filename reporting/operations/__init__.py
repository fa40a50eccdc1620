"""The operational reports (issue 7), one module per report: cycle_times, fulfilment,
credit_holds, disputes, cash, sales; period holds what they share."""
