"""What every layer shares: the residual symbol, the ways lossmath declines to answer, work
budgets and the bounds on input. Imports nothing else of lossmath."""
