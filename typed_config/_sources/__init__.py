"""One module per kind of source; each turns its input into a layer. Siblings never import each other."""
