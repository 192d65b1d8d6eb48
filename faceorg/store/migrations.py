"""Forward-only schema migrations; `PRAGMA user_version` holds the version reached.

Never edit a migration that has shipped: append a new one. Each runs in one
transaction, so a library is always at exactly one version.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the engine: folders, photos, faces and what the analyzers said about them.
    """
    CREATE TABLE folders (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        added_at REAL NOT NULL
    );
    CREATE TABLE model_sets (
        id INTEGER PRIMARY KEY,
        signature TEXT NOT NULL UNIQUE,
        detail TEXT NOT NULL
    );
    CREATE TABLE photos (
        id INTEGER PRIMARY KEY,
        folder_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
        path TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime REAL NOT NULL,
        hash TEXT,
        width INTEGER,
        height INTEGER,
        taken_at REAL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'missing')),
        error TEXT,
        model_set_id INTEGER REFERENCES model_sets(id),
        face_count INTEGER NOT NULL DEFAULT 0,
        scanned_at REAL NOT NULL
    );
    CREATE INDEX photos_hash ON photos(hash);
    CREATE INDEX photos_folder ON photos(folder_id);
    CREATE INDEX photos_status_taken ON photos(status, taken_at);
    CREATE INDEX photos_status_name ON photos(status, name);
    CREATE TABLE faces (
        id INTEGER PRIMARY KEY,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        x1 REAL NOT NULL, y1 REAL NOT NULL, x2 REAL NOT NULL, y2 REAL NOT NULL,
        score REAL NOT NULL,
        landmarks TEXT NOT NULL,
        embedding BLOB,
        expressions TEXT,
        expression TEXT,
        expression_p REAL,
        age REAL,
        age_spread REAL,
        male REAL,
        quality TEXT
    );
    CREATE INDEX faces_photo ON faces(photo_id);
    CREATE INDEX faces_expression ON faces(expression, photo_id);
    CREATE INDEX faces_age ON faces(age, photo_id);
    CREATE TABLE face_attributes (
        face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        p REAL NOT NULL,
        PRIMARY KEY (face_id, name)
    ) WITHOUT ROWID;
    CREATE INDEX face_attributes_name_p ON face_attributes(name, p, face_id);
    """,
    # 2: people. User decisions are facts (who is who, what is not whom) that clustering obeys.
    """
    CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT UNIQUE COLLATE NOCASE,
        hidden INTEGER NOT NULL DEFAULT 0,
        cover_face_id INTEGER REFERENCES faces(id) ON DELETE SET NULL,
        cover_by_user INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL
    );
    ALTER TABLE faces ADD COLUMN person_id INTEGER REFERENCES people(id) ON DELETE SET NULL;
    ALTER TABLE faces ADD COLUMN assigned_by TEXT CHECK (assigned_by IN ('cluster', 'predicted', 'user'));
    ALTER TABLE faces ADD COLUMN forgotten INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX faces_person ON faces(person_id, photo_id);
    CREATE TABLE rejections (
        face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        PRIMARY KEY (face_id, person_id)
    ) WITHOUT ROWID;
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        kind TEXT NOT NULL,
        summary TEXT NOT NULL,
        before TEXT NOT NULL,
        undone INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 3: background faces (tiny, blurred, doubtful or turned away): kept, but out of people and filters.
    """
    ALTER TABLE faces ADD COLUMN background INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX faces_unsorted ON faces(person_id, background, forgotten);
    """,
    # 4: a covering index with just what filters read, so the filter snapshot never touches
    # the wide face rows (embeddings, JSON); photos in display order without a sort.
    """
    CREATE INDEX faces_filter ON faces(photo_id, expression, age, person_id, background, forgotten);
    CREATE INDEX photos_taken_order ON photos(status, COALESCE(taken_at, mtime), id, folder_id);
    """,
    # 5 (issue 10): "these two people are not the same": a merge suggestion the user refused.
    """
    CREATE TABLE IF NOT EXISTS distinct_people (
        person_a INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        person_b INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        PRIMARY KEY (person_a, person_b)
    ) WITHOUT ROWID;
    """,
    # 6 (issue 12): work a scan leaves pending until it is done, written in the same transaction
    # as the photo, so an interrupted scan's grouping and previews are finished by the next start.
    """
    CREATE TABLE pending_grouping (face_id INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE);
    CREATE TABLE pending_previews (photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE);
    """,
    # 7 (issue 15): which model made each attribute value, and which attribute model has seen each face,
    # so the background attribute pass resumes and re-runs only faces whose attribute model changed.
    """
    ALTER TABLE face_attributes ADD COLUMN model TEXT;
    ALTER TABLE faces ADD COLUMN attributes_model TEXT;
    CREATE INDEX faces_attributes_model ON faces(attributes_model);
    """,
    # 8 (issue 11): folders below a watched folder that the user asked the scan to skip.
    """
    CREATE TABLE IF NOT EXISTS excluded_folders (path TEXT PRIMARY KEY, added_at REAL NOT NULL) WITHOUT ROWID;
    """,
    # 9 (issue 15): head pose in degrees from the face mesh, and the model that measured it.
    """
    CREATE TABLE IF NOT EXISTS face_pose (
        face_id INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
        yaw REAL NOT NULL,
        pitch REAL NOT NULL,
        roll REAL NOT NULL,
        model TEXT NOT NULL
    );
    """,
    # 10 (issue 15): which model made a face's expression and age when
    # it is not the scan's own (NULL: the photo's model set), so SwinFace's values say they are SwinFace's.
    """
    ALTER TABLE faces ADD COLUMN expression_model TEXT;
    ALTER TABLE faces ADD COLUMN age_model TEXT;
    """,
)

LATEST = len(MIGRATIONS)
