// Texts that outlive the person they are about must not name them. An SMTP refusal quotes the address
// ("550 5.1.1 <maria.rossi@comune.example.it>: user unknown"); that text would be kept in the queue's
// job row and in the log, out of reach of erasure and retention. The mail log row (which erasure
// clears) keeps the full answer; everything else gets it through here.
const ADDRESS = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g;

export function withoutAddresses(text: string): string {
  return text.replace(ADDRESS, '<address>');
}
