"""The cash forecast (issue 16): expected receipts per week for the next weeks from the invoices
open on a date, each dated by its customer's own payment behaviour, with promises and disputes
apart and a range; and its backtest against the naive "paid on the due date" forecast
(docs/decisions/0064-cash-forecast.md). `selectors` computes it, `backtest` measures it, `views`
is the page."""
