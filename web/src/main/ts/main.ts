import "../css/app.css";
import { boot } from "./app";

boot(document.getElementById("app")!);
