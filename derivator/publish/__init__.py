"""Files people publish: documents from templates/, plots, notebooks."""
