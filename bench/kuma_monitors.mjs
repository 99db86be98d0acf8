// Adds N HTTP monitors to a running Uptime Kuma through its own API (socket.io), as its web UI does:
// creates the admin account on a fresh install ("setup"), signs in, then "add" for each monitor.
// Run with Kuma's own node_modules: node bench/kuma_monitors.mjs KUMA_DIR URL COUNT TARGET INTERVAL
import { createRequire } from "node:module";
import path from "node:path";

const [kumaDir, url, count, target, interval] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(kumaDir), "package.json"));
const { io } = require("socket.io-client");

const USER = "bench";
const PASSWORD = "Bench-password-1234";
const socket = io(url, { transports: ["websocket"], reconnection: false });
const call = (event, ...args) =>
    new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${event}: no answer`)), 60000);
        socket.emit(event, ...args, (answer) => {
            clearTimeout(timer);
            resolve(answer);
        });
    });

socket.on("connect", async () => {
    try {
        await new Promise((resolve) => setTimeout(resolve, 2000)); // Kuma registers its handlers after a look at the database
        await call("setup", USER, PASSWORD); // refused once an account exists: fine
        const login = await call("login", { username: USER, password: PASSWORD, token: "" });
        if (!login.ok) throw new Error(`login: ${login.msg}`);
        for (let i = 0; i < Number(count); i++) {
            const answer = await call("add", {
                type: "http", name: `e${i}`, url: `${target}/e${i}`, method: "GET",
                interval: Number(interval), retryInterval: Number(interval), maxretries: 0,
                resendInterval: 0, timeout: 16, maxredirects: 10, accepted_statuscodes: ["200-299"],
                notificationIDList: {}, ignoreTls: false, upsideDown: false, expiryNotification: false,
                httpBodyEncoding: "json", kafkaProducerBrokers: [], kafkaProducerSaslOptions: {},
                conditions: [], rabbitmqNodes: [], active: true,
            });
            if (!answer.ok) throw new Error(`add e${i}: ${answer.msg}`);
        }
        console.log(`added ${count} monitors`);
        process.exit(0);
    } catch (error) {
        console.error(String(error));
        process.exit(1);
    }
});
socket.on("connect_error", (error) => {
    console.error(`cannot reach Uptime Kuma at ${url}: ${error.message}`);
    process.exit(1);
});
