"""Month-end revaluation of open foreign-currency items (decision 0062): an optional step."""
