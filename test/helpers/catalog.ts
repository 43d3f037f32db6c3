import type { Catalog } from '../../src/engine/index.js';

/** A small catalog for engine tests; the integration tests use the seeded database instead. */
export const testCatalog: Catalog = {
  categories: [
    { id: 'cat-pu', code: 'pu', name: { id: 'Pekerjaan Umum', en: 'Public Works' }, parentId: null },
    { id: 'cat-kependudukan', code: 'kependudukan', name: { id: 'Kependudukan', en: 'Civil Registration' }, parentId: null },
    { id: 'cat-pu-jalan', code: 'pu-jalan-rusak', name: { id: 'Jalan Rusak', en: 'Damaged Roads' }, parentId: 'cat-pu' },
    { id: 'cat-pu-pju', code: 'pu-pju', name: { id: 'Penerangan Jalan Umum', en: 'Street Lights' }, parentId: 'cat-pu' },
    { id: 'cat-ktp', code: 'kependudukan-ktp', name: { id: 'KTP Elektronik', en: 'Identity Card' }, parentId: 'cat-kependudukan' },
  ],
  agencies: [
    { id: 'ag-pu', code: 'dpuprpkp-malang', name: 'Dinas Pekerjaan Umum' },
    { id: 'ag-dukcapil', code: 'dispendukcapil-malang', name: 'Dinas Kependudukan dan Pencatatan Sipil' },
  ],
  regions: [
    { code: '35.73.05', name: 'Lowokwaru' },
    { code: '35.73.02', name: 'Klojen' },
  ],
  defaultRegionCode: '35.73',
};
