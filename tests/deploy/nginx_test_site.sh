# Shared by the deploy checks that load the shipped nginx site: a throwaway certificate, the
# site pointed at it, and a minimal main configuration with every path in one folder.
# Source it, then call the functions with that folder.

# make_site WORK SOURCE_DIR [SED_ARGS...]: WORK/site.conf from deploy/nginx-carecircle.conf,
# with a certificate made in WORK and any further sed edits.
make_site() {
  local work=$1 source_dir=$2
  shift 2
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=care.example.org \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
  sed -e "s|/etc/ssl/certs/carecircle.pem|$work/cert.pem|" \
      -e "s|/etc/ssl/private/carecircle.key|$work/key.pem|" \
      "$@" "$source_dir/deploy/nginx-carecircle.conf" >"$work/site.conf"
}

# make_main_conf WORK: WORK/nginx.conf that includes WORK/site.conf and runs in the foreground.
make_main_conf() {
  local work=$1
  cat >"$work/nginx.conf" <<CONF
daemon off;
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    include $work/site.conf;
}
CONF
}
