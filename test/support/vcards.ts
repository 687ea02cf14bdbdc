/**
 * @module test/support/vcards
 * vCard files as phones export them: a mix of 3.0 and 4.0 entries in one file.
 */
const FIRST = ['Anna', 'Ben', 'Chloé', 'Daan', 'Emma', 'Finn', 'Greta', 'Hugo', 'Iris', 'Jonas'];
const LAST = ['Jansen', 'de Vries', 'Bakker', 'Visser', 'Smit'];

export type Person = { name: string; phone: string; email?: string };

export function vcardFile(people: Person[]): string {
  return people
    .map((p, i) =>
      i % 2 === 0
        ? ['BEGIN:VCARD', 'VERSION:3.0', `FN:${p.name}`, `N:${p.name.split(' ').slice(1).join(' ')};${p.name.split(' ')[0]};;;`, `TEL;TYPE=CELL:${p.phone}`, ...(p.email ? [`EMAIL;TYPE=INTERNET:${p.email}`] : []), 'END:VCARD'].join('\r\n')
        : ['BEGIN:VCARD', 'VERSION:4.0', `FN:${p.name}`, `TEL;VALUE=uri;TYPE=cell:tel:${p.phone.replace(/ /g, '')}`, ...(p.email ? [`EMAIL:${p.email}`] : []), 'END:VCARD'].join('\r\n'),
    )
    .join('\r\n');
}

/** `count` made-up people with Dutch mobile numbers, distinct from any test user's. */
export function samplePeople(count: number): Person[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i >= 50 ? ` ${i}` : ''}`,
    phone: `+31 6 20${String(100000 + i).slice(1)}`,
    ...(i % 3 === 0 ? { email: `person${i}@example.org` } : {}),
  }));
}
