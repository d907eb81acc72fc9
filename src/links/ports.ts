/** What the two public link endpoints (unsubscribe, article-link) need; adapters in `src/aws/` implement them. */
import type { LinkSecrets } from './signed-token.js';

/** A stored original a digest links to: the object, and its version when the upload event named one. */
export interface OriginalRef {
  bucket: string;
  key: string;
  versionId?: string;
}

/** A time-limited GET URL, and when it really stops working. */
export interface PresignedLink {
  url: string;
  expiresAt: Date;
}

/** Links signed at click time (the article-link function): the role's credentials are fresh then. */
export interface OriginalLinks {
  /**
   * A GET link to the object (that version, when named) valid for `expiresInSeconds` from now, or
   * undefined when the object is gone. Fails (throws) on anything else, e.g. S3 being unreachable or
   * refusing to let the function read an object that is there (a permission problem, not a deletion). The
   * link serves the object as a plain-text download, whatever type it was uploaded with: an uploaded HTML
   * page must never render (and run its scripts) on the bucket's origin.
   */
  presignExisting(ref: OriginalRef, expiresInSeconds: number): Promise<PresignedLink | undefined>;
}

export interface UnsubscribeRecorder {
  /** Records the unsubscription; false when it was already recorded (idempotent). */
  add(subscriberId: string, at: Date): Promise<boolean>;
}

/** The secrets an endpoint verifies its purpose's tokens with (link-secrets.ts has the implementations). */
export interface LinkSecretSource {
  /** The secrets as last read. */
  held(): LinkSecrets;
  /**
   * Reads them again, for a token naming a key they do not make (a rotation since the last read); at most
   * once a minute, else the secrets held. Resolves to the secrets held afterwards.
   */
  reread(): Promise<LinkSecrets>;
}
