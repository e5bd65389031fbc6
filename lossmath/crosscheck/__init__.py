"""What other libraries declare by hand about their losses, and lossmath's verdict on each."""
