"""Analysis helpers shared by reports and the page: statistics, tables, figures, narration."""
