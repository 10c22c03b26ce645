-- Field-service visits: an installation or repair at the customer's, by a service partner
-- (vendor_id) or one of the business's own technicians (technician_id), in a time window
-- (PostgreSQL). Kept in step with ../../sqlite/ of the same name. `outcome` is JSON (work done,
-- parts, who signed, who recorded it and when); `sequence` counts the changes the customer
-- was told of, for their calendar.
CREATE TABLE visits (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    vendor_id TEXT REFERENCES vendors (id),
    technician_id TEXT REFERENCES users (id),
    address TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    window_end TIMESTAMP NOT NULL,
    task TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'en_route', 'done',
        'no_show', 'cancelled')),
    outcome TEXT,
    sequence INTEGER NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((vendor_id IS NULL) <> (technician_id IS NULL))
);
CREATE INDEX visits_ticket ON visits (ticket_id, window_start);
CREATE INDEX visits_calendar ON visits (window_start, window_end);
CREATE INDEX visits_vendor ON visits (vendor_id, window_start);
