# Homebrew cask for MCP Tray (a tap's Casks/mcptray.rb). The release process fills in version
# and the two DMGs' SHA-256 (shasum -a 256 dist/*.dmg) from scripts/package-macos.sh's output.
#   brew install --cask mcptray      brew upgrade --cask mcptray
# `mcptray update-app` sees the Caskroom and points to `brew upgrade --cask mcptray` instead of
# replacing the app itself.
cask "mcptray" do
  arch arm: "arm64", intel: "amd64"

  version "0.1.0"
  sha256 arm:   "0000000000000000000000000000000000000000000000000000000000000000",
         intel: "0000000000000000000000000000000000000000000000000000000000000000"

  url "https://github.com/mcptray/mcptray/releases/download/v#{version}/mcptray-#{version}-macos-#{arch}.dmg"
  name "MCP Tray"
  desc "Runs your MCP servers and asks you before risky tool calls"
  homepage "https://github.com/mcptray/mcptray"

  livecheck do
    url :url
    strategy :github_latest
  end

  depends_on macos: ">= :big_sur"

  app "MCP Tray.app"
  binary "#{appdir}/MCP Tray.app/Contents/MacOS/mcptray"

  # Uninstalling quits the app and removes it; the person's MCP Tray home stays.
  uninstall quit: "io.github.mcptray"

  # `brew uninstall --zap` only: the person's servers, settings, audit log and start-at-login entry.
  zap trash: [
    "~/Library/Application Support/mcptray",
    "~/Library/LaunchAgents/io.github.mcptray.plist",
  ]
end
