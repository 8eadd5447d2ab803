# Built-in checks of the VM tier (scripts/vm-test.sh --smoke), run inside the guest.
set -eux
modprobe ip_vs
ipvsadm -A -t 10.250.0.1:80 -s rr
ipvsadm -Ln
ipvsadm -Ln | grep -q '10.250.0.1:80 rr'
ip link add kube-ipvs0 type dummy
ip addr add 10.250.0.1/32 dev kube-ipvs0
ip -br addr show kube-ipvs0
java -version
echo "smoke: all checks passed"
