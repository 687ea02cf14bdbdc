/**
 * @module 002_published_contact
 * A phone number and an email a user chose to publish in the org directory, so that the people
 * who hold them in their contact books can find them (matching happens on their devices).
 * Nullable: publishing is opt-in, and most users publish nothing.
 */
import type Database from 'better-sqlite3';

export function migration002PublishedContact(db: Database.Database): void {
  db.exec(`
    ALTER TABLE users ADD COLUMN phone TEXT;
    ALTER TABLE users ADD COLUMN email TEXT;
  `);
}
