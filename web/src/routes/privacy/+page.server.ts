// The privacy notice: read-only, no JavaScript needed.
export const csr = false;
