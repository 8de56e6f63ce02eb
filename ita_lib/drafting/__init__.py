"""Draft the agency's documents: the next measures document and the measures' progress report."""
