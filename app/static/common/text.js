// The words both apps show, in Indonesian: an innovation's category (docs/api.md).

export const CATEGORIES = {
  teknologi: "Teknologi",
  produk: "Produk",
  proses: "Proses",
  sdm: "SDM",
  metode: "Metode",
  konseptual: "Konseptual",
  hubungan: "Hubungan",
};
