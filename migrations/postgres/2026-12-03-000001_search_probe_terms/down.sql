-- Going back rewrites the entries without the team-joined terms.
INSERT INTO settings (key, value, updated_at)
SELECT 'search_index', 'rebuild', CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM tickets)
ON CONFLICT (key) DO UPDATE SET value = 'rebuild';
