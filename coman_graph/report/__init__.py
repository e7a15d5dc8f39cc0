"""Reports: metrics, confusion matrices and PNG renders of samples and concepts."""
