"""A relying party an agency would write in Python: Flask with Authlib's Flask client, registered the way the
public ThaID sample for Flask registers it (discovery from the service's well-known document, the client's id and
secret from the Flask config, Authlib's default client authentication). Only the host and the credentials differ
from an app that talks to the real service.

Environment:
  THAID_BASE_URL       the service's base URL (https://imauth.bora.dopa.go.th for the real one)
  THAID_CLIENT_ID      client id of the approved system
  THAID_CLIENT_SECRET  its secret
  THAID_REDIRECT_URI   the registered redirect URI; it must lead to this app's /callback
  THAID_SCOPE          space-separated scopes
  THAID_TOKEN_ENDPOINT_AUTH_METHOD  optional: client_secret_basic (Authlib's default) or client_secret_post
  PORT                 port to listen on, on 127.0.0.1
"""

import os
import secrets

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, jsonify

app = Flask(__name__)
# Authlib keeps the state, nonce and redirect URI of a sign-in in Flask's signed session cookie.
app.secret_key = secrets.token_hex(32)
# Authlib's Flask registry reads <NAME>_CLIENT_ID and <NAME>_CLIENT_SECRET from the app's config.
app.config["THAID_CLIENT_ID"] = os.environ["THAID_CLIENT_ID"]
app.config["THAID_CLIENT_SECRET"] = os.environ["THAID_CLIENT_SECRET"]

base_url = os.environ["THAID_BASE_URL"].rstrip("/")
redirect_uri = os.environ["THAID_REDIRECT_URI"]

client_kwargs = {"scope": os.environ["THAID_SCOPE"]}
if os.environ.get("THAID_TOKEN_ENDPOINT_AUTH_METHOD"):
    client_kwargs["token_endpoint_auth_method"] = os.environ["THAID_TOKEN_ENDPOINT_AUTH_METHOD"]

oauth = OAuth(app)
oauth.register(
    name="thaid",
    server_metadata_url=f"{base_url}/.well-known/openid-configuration",
    client_kwargs=client_kwargs,
)


@app.route("/")
def ready():
    return jsonify(ready=True)


@app.route("/login")
def login():
    return oauth.thaid.authorize_redirect(redirect_uri)


@app.route("/callback")
def callback():
    # Exchanges the code (state checked against the session); with an ID token, Authlib verifies its signature,
    # issuer, audience, nonce and at_hash and puts its claims under "userinfo".
    token = dict(oauth.thaid.authorize_access_token())
    id_token_claims = token.pop("userinfo", None)
    return jsonify(token_response=token, id_token_claims=dict(id_token_claims) if id_token_claims is not None else None)


@app.errorhandler(OAuthError)
def oauth_error(error):
    return jsonify(error=error.error, error_description=error.description), 400


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
