export { default } from "./page.js";
