-- Each entry's tsvector gains its terms joined to the ticket's team facet (`_team_…_refund`):
-- a word searched within one team is then one lexeme, whose frequency the planner knows,
-- instead of a word and the team's facet (a third of the index) to intersect. Entries written
-- before lack them: `kefu search reindex` (or the server, finding this mark) writes them again.
INSERT INTO settings (key, value, updated_at)
SELECT 'search_index', 'rebuild', CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM tickets)
ON CONFLICT (key) DO UPDATE SET value = 'rebuild';
