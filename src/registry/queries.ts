import { sql, type Kysely, type Selectable } from 'kysely';
import type { CitizensTable, Schema } from '../db/schema.ts';
import type { Citizen } from './citizen.ts';
import { titlesOn } from './titles.ts';

type CitizenRow = Selectable<CitizensTable>;

function toCitizen(row: CitizenRow): Citizen {
  const [titleTh, titleEn] = titlesOn({ titleTh: row.title_th, titleEn: row.title_en, birthdate: row.birthdate });
  return {
    pid: row.pid,
    titleTh,
    titleEn,
    givenNameTh: row.given_name_th,
    middleNameTh: row.middle_name_th,
    familyNameTh: row.family_name_th,
    givenNameEn: row.given_name_en,
    middleNameEn: row.middle_name_en,
    familyNameEn: row.family_name_en,
    birthdate: row.birthdate,
    sex: row.sex,
    address: {
      houseNumber: row.house_number,
      villageNumber: row.village_number,
      alley: row.alley,
      road: row.road,
      subdistrict: row.subdistrict,
      district: row.district,
      province: row.province,
      postalCode: row.postal_code,
    },
    laserCode: row.laser_code,
    cardIssuedOn: row.card_issued_on,
    cardExpiresOn: row.card_expires_on,
    ial: Number(row.ial),
  };
}

export async function findCitizen(db: Kysely<Schema>, pid: string): Promise<Citizen | undefined> {
  const row = await db.selectFrom('citizens').selectAll().where('pid', '=', pid).executeTakeFirst();
  return row && toCitizen(row);
}

/** Citizens in pid order; `after` continues from the last pid of the previous page. */
export async function listCitizens(
  db: Kysely<Schema>,
  options: { limit: number; after?: string | undefined },
): Promise<Citizen[]> {
  let query = db.selectFrom('citizens').selectAll().orderBy('pid').limit(options.limit);
  if (options.after) query = query.where('pid', '>', options.after);
  return (await query.execute()).map(toCitizen);
}

export async function countCitizens(db: Kysely<Schema>): Promise<number> {
  const { count } = await db
    .selectFrom('citizens')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

const columns = [
  ['pid', 'text'],
  ['title_th', 'text'],
  ['title_en', 'text'],
  ['given_name_th', 'text'],
  ['middle_name_th', 'text'],
  ['family_name_th', 'text'],
  ['given_name_en', 'text'],
  ['middle_name_en', 'text'],
  ['family_name_en', 'text'],
  ['birthdate', 'date'],
  ['sex', 'text'],
  ['house_number', 'text'],
  ['village_number', 'text'],
  ['alley', 'text'],
  ['road', 'text'],
  ['subdistrict', 'text'],
  ['district', 'text'],
  ['province', 'text'],
  ['postal_code', 'text'],
  ['laser_code', 'text'],
  ['card_issued_on', 'date'],
  ['card_expires_on', 'date'],
  ['ial', 'numeric'],
] as const;

function columnValues(c: Citizen): unknown[] {
  const a = c.address;
  return [
    c.pid, c.titleTh, c.titleEn, c.givenNameTh, c.middleNameTh, c.familyNameTh, c.givenNameEn, c.middleNameEn,
    c.familyNameEn, c.birthdate, c.sex, a.houseNumber, a.villageNumber, a.alley, a.road, a.subdistrict,
    a.district, a.province, a.postalCode, c.laserCode, c.cardIssuedOn, c.cardExpiresOn, c.ial,
  ];
}

/**
 * Inserts a batch as one statement of column arrays (unnest): 23 parameters however many rows, which is
 * what makes loading a million citizens fast. Citizens already present are left as they are.
 */
export async function insertCitizens(db: Kysely<Schema>, citizens: Citizen[]): Promise<number> {
  if (citizens.length === 0) return 0;
  const arrays: unknown[][] = columns.map(() => new Array(citizens.length));
  citizens.forEach((citizen, row) => columnValues(citizen).forEach((value, col) => (arrays[col]![row] = value)));
  const names = sql.join(columns.map(([name]) => sql.ref(name)));
  const unnested = sql.join(columns.map(([, type], col) => sql`${arrays[col]}::${sql.raw(type)}[]`));
  const result = await sql`insert into citizens (${names}) select * from unnest(${unnested})
    on conflict (pid) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
