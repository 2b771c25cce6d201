import express from 'express';
import { requireSession, withSession } from 'express-pingone-session';

const app = express();
app.get('/a', requireSession(), (req, res) => res.json(req.pingSession?.usr));
app.get(
  '/b',
  withSession((req, res) => res.json(req.pingSession.usr)),
);
