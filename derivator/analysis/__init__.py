"""What is derived about a function beyond its derivative: facts, loss gradients, comparison tables."""
